from portal.formats import DAY_FIRST

globals().update(DAY_FIRST)

# Django has no formats of this language and would fall back to the American order and a
# 12-hour clock; dates here are written day first, times on 24 hours.
DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
