"""DRF's own messages that PANDA's API shows, listed here so that PANDA's catalogues carry them.

DRF ships French but no Welsh, and Django's Welsh lacks some of these; without this list a Welsh
client would read "This field is required." in English. The texts are DRF's, character for
character (``{name}`` placeholders included), so gettext finds PANDA's translation for them.
Nothing imports this module: it exists for ``panda_project.catalogues`` to read.
"""

from django.utils.translation import gettext_noop

DRF_MESSAGES = [
    gettext_noop("This field is required."),
    gettext_noop("This field may not be null."),
    gettext_noop("Not a valid string."),
    gettext_noop("This field may not be blank."),
    gettext_noop("Ensure this field has no more than {max_length} characters."),
    gettext_noop("Ensure this field has at least {min_length} characters."),
    gettext_noop("Null characters are not allowed."),
    gettext_noop("Surrogate characters are not allowed: U+{code_point:X}."),
    gettext_noop("Must be a valid boolean."),
    gettext_noop("Must be a valid UUID."),
    gettext_noop("Enter a valid email address."),
    gettext_noop("A valid integer is required."),
    gettext_noop("A valid number is required."),
    gettext_noop("Ensure this value is less than or equal to {max_value}."),
    gettext_noop("Ensure this value is greater than or equal to {min_value}."),
    gettext_noop("String value too large."),
    gettext_noop("Datetime has wrong format. Use one of these formats instead: {format}."),
    gettext_noop("Date has wrong format. Use one of these formats instead: {format}."),
    gettext_noop("Expected a date but got a datetime."),
    gettext_noop('"{input}" is not a valid choice.'),
    gettext_noop('Expected a list of items but got type "{input_type}".'),
    gettext_noop('Invalid pk "{pk_value}" - object does not exist.'),
    gettext_noop("Incorrect type. Expected pk value, received {data_type}."),
    gettext_noop("Object with {slug_name}={value} does not exist."),
    gettext_noop("Invalid value."),
    gettext_noop("Invalid data. Expected a dictionary, but got {datatype}."),
]
