// Mentorat's pages work without this script; with it, a task's form is recorded in place (no page reload),
// and a select marked data-submit-on-change sends its form when changed.
"use strict";

document.addEventListener("change", (event) => {
  const select = event.target.closest("select[data-submit-on-change]");
  if (select) select.form.requestSubmit();
});

document.addEventListener("submit", async (event) => {
  const form = event.target.closest("form[data-inline]");
  if (!form) return;
  const target = form.closest("[data-inline-target]");
  if (!target) return;
  event.preventDefault();
  const button = form.querySelector("button[type=submit]");
  if (button) button.disabled = true;
  try {
    const answer = await fetch(form.action, {
      method: "POST", body: new URLSearchParams(new FormData(form)), credentials: "same-origin",
      headers: {"X-Requested-With": "fetch"},
    });
    if (answer.redirected || !(answer.headers.get("content-type") || "").startsWith("text/html")) {
      window.location.href = answer.url;  // logged out, or the server chose the whole page
      return;
    }
    const html = await answer.text();
    if (answer.status === 422) {
      form.outerHTML = html;  // the same form, with what is wrong beside each field
    } else if (answer.ok) {
      target.outerHTML = html;  // what was recorded, in place of the form
    } else {
      form.insertAdjacentHTML("beforebegin", html);  // the rule that said no
      if (button) button.disabled = false;
    }
  } catch (error) {
    if (button) button.disabled = false;
    form.submit();  // the network failed: the plain form says what happened
  }
});
