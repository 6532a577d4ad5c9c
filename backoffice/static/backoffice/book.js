// The booking form opened without a patient: open the patient search, ready to type in.
// A jQuery ready handler, added after the admin's autocomplete.js added its own (which makes
// the select2 box), so it runs after it: jQuery runs ready handlers in order.
(function () {
    "use strict";
    if (!window.django || !window.django.jQuery) {
        return;
    }
    window.django.jQuery(function ($) {
        var $select = $("#id_patient");
        if ($select.length && !$select.val() && $select.data("select2")) {
            $select.select2("open");
        }
    });
})();
