// Small progressive enhancements; every page works without JavaScript.
// Loaded in <head> without `defer`: the class below must be set before the first paint, so that on a phone the
// header menu and the list filters are folded from the start instead of jumping shut after the page has shown.
document.documentElement.classList.add("js");

document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form[data-autosubmit] select").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
    var button = select.form.querySelector("button");
    if (button) { button.classList.add("visually-hidden"); }
  });
  setUpMenu();
  // a row of tabs that scrolls sideways on a phone shows the current tab
  document.querySelectorAll(".event-tabs [aria-current=page]").forEach(function (tab) {
    var row = tab.closest("ul");
    if (row && row.scrollWidth > row.clientWidth) { row.scrollLeft = tab.parentNode.offsetLeft - 16; }
  });
  document.querySelectorAll("form.filters").forEach(setUpFilters);
});

// The header menu on phones: one button (aria-expanded) shows and hides the navigation. The folding itself is in
// the stylesheet and applies only to narrow screens, so on a desktop the button is hidden and the menu always shows.
// Without JavaScript the `js` class is missing and the whole menu is shown, wrapped.
function setUpMenu() {
  var toggle = document.querySelector("[data-menu-toggle]");
  var menu = document.querySelector("[data-menu]");
  if (!toggle || !menu) { return; }
  function set(open) {
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    menu.classList.toggle("is-open", open);
  }
  toggle.addEventListener("click", function () {
    var open = toggle.getAttribute("aria-expanded") !== "true";
    set(open);
    if (open) {
      var first = menu.querySelector("a, select, button");
      if (first) { first.focus(); }
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
      set(false);
      toggle.focus();
    }
  });
  // a tap outside the open menu closes it, as on any phone app
  document.addEventListener("click", function (event) {
    if (toggle.getAttribute("aria-expanded") === "true" && !menu.contains(event.target) && !toggle.contains(event.target)) {
      set(false);
    }
  });
}

// A list's filter form on phones: folded behind one button that says how many filters are set, so the first
// result shows without scrolling. On wider screens the stylesheet keeps the form open and hides the button.
function setUpFilters(form, index) {
  var body = document.body;
  if (!form.id) { form.id = "filters-" + (index + 1); }
  var toggle = document.createElement("button");
  toggle.type = "button";
  toggle.className = "filter-toggle secondary";
  toggle.setAttribute("aria-controls", form.id);
  toggle.setAttribute("aria-expanded", "false");
  var label = document.createElement("span");
  label.textContent = body.getAttribute("data-text-filters") || "Filters";
  var badge = document.createElement("span");
  badge.className = "filter-count";
  var spoken = document.createElement("span");
  spoken.className = "visually-hidden";
  spoken.textContent = " " + (body.getAttribute("data-text-active-filters") || "") + " ";
  var number = document.createElement("span");
  badge.appendChild(spoken);
  badge.appendChild(number);
  toggle.appendChild(label);
  toggle.appendChild(badge);
  form.parentNode.insertBefore(toggle, form);
  form.classList.add("is-foldable");

  function update() {
    var count = activeFilters(form);
    number.textContent = String(count);
    badge.hidden = count === 0;
  }
  function setOpen(open) {
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    form.classList.toggle("is-open", open);
  }
  toggle.addEventListener("click", function () {
    var open = toggle.getAttribute("aria-expanded") !== "true";
    setOpen(open);
    if (open) {
      var first = form.querySelector("input:not([type=hidden]), select, textarea");
      if (first) { first.focus(); }
    }
  });
  form.addEventListener("change", update);
  form.addEventListener("input", update);
  update();
  // a filter the server refused (a wrong date, say) must be seen to be corrected: the form starts open then
  if (form.querySelector(".errorlist, .errors, [aria-invalid=true]")) { setOpen(true); }
}

// How many of a form's filters differ from "everything": a filled-in text box, a ticked box, a choice other than a
// list's first one (which is "any" or the list's default), each counted once per field name.
function activeFilters(form) {
  var names = {};
  Array.prototype.forEach.call(form.elements, function (field) {
    if (!field.name || field.disabled) { return; }
    var type = (field.type || "").toLowerCase();
    var active = false;
    if (type === "hidden" || type === "submit" || type === "button" || type === "reset") { return; }
    if (type === "checkbox") {
      active = field.checked;
    } else if (type === "radio") {
      var group = form.querySelectorAll("input[type=radio][name='" + field.name.replace(/'/g, "\\'") + "']");
      active = field.checked && group.length > 0 && group[0] !== field && field.value !== "";
    } else if (field.tagName === "SELECT") {
      active = Array.prototype.some.call(field.options, function (option, i) {
        return option.selected && option.value !== "" && (field.multiple || i > 0);
      });
    } else {
      active = field.value.trim() !== "";
    }
    if (active) { names[field.name] = true; }
  });
  return Object.keys(names).length;
}

// The visitor's time zone, for pages that show deadlines on their own clock as well as the organizers' (calls).
(function () {
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && document.cookie.indexOf("tamyr_tz=" + encodeURIComponent(zone)) === -1) {
      document.cookie = "tamyr_tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; SameSite=Lax";
    }
  } catch (error) { /* an old browser: deadlines stay in the call's time zone */ }
})();
