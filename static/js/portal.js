// Progressive enhancements; every page works without them.
document.documentElement.classList.add("js");

document.addEventListener("DOMContentLoaded", () => {
  // The language switcher submits as soon as a language is picked.
  document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
    select.addEventListener("change", () => select.form.submit());
  });

  // The navigation folds into a menu button on narrow screens.
  const toggle = document.querySelector("[data-nav-toggle]");
  const nav = document.getElementById("site-nav");
  if (toggle && nav) {
    toggle.addEventListener("click", () => {
      const open = nav.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  // Print buttons on printable sheets.
  document.querySelectorAll("[data-print]").forEach((button) => {
    button.addEventListener("click", () => window.print());
  });
});

// An htmx form marked data-reset-after-request is emptied once its request succeeded, ready
// for the next entry (the check-in desk's badge-code field). Kept here rather than in an
// hx-on attribute, which would need eval and so a weaker Content-Security-Policy.
document.addEventListener("htmx:afterRequest", (event) => {
  const form = event.target.closest ? event.target.closest("form[data-reset-after-request]") : null;
  if (form && event.detail.successful) form.reset();
});
