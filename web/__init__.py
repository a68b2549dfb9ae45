"""The staff's web application and the pair's own pages (web.app), over the application's services."""
