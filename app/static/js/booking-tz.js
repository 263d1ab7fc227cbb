/* Time zones for interview booking, from the browser (Intl), without inline script.
 *
 * The candidate's page (select[data-booking-zone] in #tz-form): with no ?tz= in the
 * address yet, reload once with the browser's zone; changing the select shows the
 * times in the zone chosen. A staff form (select[data-browser-zone]) starts on the
 * browser's zone when the server had nothing better than its default.
 */
(function () {
  "use strict";
  var zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (e) {
    zone = "";
  }

  function has(select, value) {
    return Array.prototype.some.call(select.options, function (option) { return option.value === value; });
  }

  var form = document.getElementById("tz-form");
  var picker = form && form.querySelector("select[data-booking-zone]");
  if (picker) {
    picker.addEventListener("change", function () { form.submit(); });
    var params = new URLSearchParams(window.location.search);
    if (!params.has("tz") && zone && zone !== picker.value && has(picker, zone)) {
      params.set("tz", zone);
      window.location.replace(window.location.pathname + "?" + params.toString());
    }
  }

  Array.prototype.forEach.call(document.querySelectorAll("select[data-browser-zone]"), function (select) {
    if (zone && select.value === select.getAttribute("data-browser-zone") && has(select, zone)) {
      select.value = zone;
    }
  });
})();
