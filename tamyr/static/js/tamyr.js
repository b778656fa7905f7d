// Small progressive enhancements; every page works without JavaScript.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form[data-autosubmit] select").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
    var button = select.form.querySelector("button");
    if (button) { button.classList.add("visually-hidden"); }
  });
});

// The visitor's time zone, for pages that show deadlines on their own clock as well as the organizers' (calls).
(function () {
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && document.cookie.indexOf("tamyr_tz=" + encodeURIComponent(zone)) === -1) {
      document.cookie = "tamyr_tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; SameSite=Lax";
    }
  } catch (error) { /* an old browser: deadlines stay in the call's time zone */ }
})();
