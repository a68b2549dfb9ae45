"""Sectors of activity: the sections of NACE Rev. 2, the European classification (Belgium's NACE-BEL shares its
sections). Their names are catalogue codes (`sector.<letter>`), rendered in the reader's language."""

NACE_SECTIONS = tuple("ABCDEFGHIJKLMNOPQRSTU")
