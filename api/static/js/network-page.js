/* /netzwerk: the year slider sets the reference date; changing a select shows the view. */
(function () {
  "use strict";
  var form = document.getElementById("view-form");
  if (!form) return;
  var slider = document.getElementById("jahr");
  var out = document.getElementById("jahr-wert");
  var date = document.getElementById("stichtag");
  if (slider && date) {
    slider.addEventListener("input", function () { if (out) out.textContent = slider.value; });
    slider.addEventListener("change", function () {
      // the server's year, not the browser's: the slider's last year is the reference year
      var year = parseInt(slider.value, 10);
      date.value = year >= parseInt(slider.max, 10) ? "" : year + "-12-31";
      form.submit();
    });
  }
  Array.prototype.forEach.call(form.querySelectorAll("select"), function (select) {
    select.addEventListener("change", function () { form.submit(); });
  });
})();
