// The booking form opened without a patient: open the patient search, ready to type in.
window.addEventListener("load", function () {
    "use strict";
    var select = document.getElementById("id_patient");
    if (!select || select.value || !window.django || !window.django.jQuery) {
        return;
    }
    var $select = window.django.jQuery(select);
    if ($select.data("select2")) {
        $select.select2("open");
    }
});
