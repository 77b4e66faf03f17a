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

  // Copy buttons: data-copy names the field whose value they copy (a new API token, a calendar
  // feed's link); a [data-copy-status] beside the button says it was copied, else the button does.
  document.querySelectorAll("[data-copy]").forEach((button) => {
    button.addEventListener("click", () => {
      const field = document.getElementById(button.dataset.copy);
      const status = button.parentElement.querySelector("[data-copy-status]");
      if (!field) return;
      const done = () => {
        if (status) status.textContent = button.dataset.copied;
        else button.textContent = button.dataset.copied || button.textContent;
      };
      field.select();
      if (navigator.clipboard) {
        navigator.clipboard.writeText(field.value).then(done, () => document.execCommand("copy") && done());
      } else if (document.execCommand("copy")) {
        done();
      }
    });
  });

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

// A button marked data-confirm asks before its form goes (Cancel in the registrations list):
// hx-confirm would ask for every button of its form. Without JavaScript the form goes at once.
document.addEventListener("click", (event) => {
  const button = event.target.closest ? event.target.closest("button[data-confirm]") : null;
  if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
});

// A request made by htmx that fails (an upload over the size limit, a server error, no
// network) would otherwise change nothing on the page and say nothing: say it in the page's
// language, from the texts base.html gives, and clear it on the next request.
function showHtmxError(kind) {
  const box = document.querySelector("[data-htmx-error]");
  if (!box) return;
  box.replaceChildren();
  if (!kind) return;
  const message = document.createElement("p");
  message.className = "message message-error";
  message.textContent = box.dataset[kind];
  box.append(message);
  box.scrollIntoView({ block: "nearest" });
}
document.addEventListener("htmx:beforeRequest", () => showHtmxError(null));
document.addEventListener("htmx:responseError", (event) => {
  showHtmxError(event.detail.xhr && event.detail.xhr.status === 413 ? "tooLarge" : "failed");
});
document.addEventListener("htmx:sendError", () => showHtmxError("offline"));

// A table wider than the screen scrolls inside its .table-wrap. Keyboard users scroll it with
// the arrow keys once it holds the focus, so a wrap that actually scrolls becomes a tab stop,
// and a named region (after the table's caption or the heading above it) so that a screen
// reader says what the focus landed on. Wraps that fit lose both again: no useless tab stops.
function labelScrollingTables(root) {
  (root || document).querySelectorAll(".table-wrap").forEach((wrap) => {
    const scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
    if (!scrolls) {
      if (wrap.dataset.scrollLabelled) {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-labelledby");
        delete wrap.dataset.scrollLabelled;
      }
      return;
    }
    if (wrap.hasAttribute("tabindex")) return;
    wrap.setAttribute("tabindex", "0");
    wrap.dataset.scrollLabelled = "1";
    let label = wrap.querySelector("caption");
    for (let node = wrap; !label && node && node !== document.body; node = node.parentElement) {
      for (let sibling = node.previousElementSibling; sibling && !label; sibling = sibling.previousElementSibling) {
        const headings = sibling.matches("h1, h2, h3, h4, h5, h6") ? [sibling] : sibling.querySelectorAll("h1, h2, h3, h4, h5, h6");
        label = headings[headings.length - 1] || null;
      }
    }
    if (label) {
      if (!label.id) label.id = "table-label-" + Math.random().toString(36).slice(2, 10);
      wrap.setAttribute("role", "region");
      wrap.setAttribute("aria-labelledby", label.id);
    }
  });
}
document.addEventListener("DOMContentLoaded", () => labelScrollingTables());
document.addEventListener("htmx:afterSettle", (event) => labelScrollingTables(event.target.parentElement || document));
let tableResizeTimer;
window.addEventListener("resize", () => {
  window.clearTimeout(tableResizeTimer);
  tableResizeTimer = window.setTimeout(() => labelScrollingTables(), 200);
});
