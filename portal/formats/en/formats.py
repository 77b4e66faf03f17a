from portal.formats import DAY_FIRST

globals().update(DAY_FIRST)
# An agenda day as English pages always wrote it: "Monday, May 12, 2025".
WEEKDAY_DATE_FORMAT = "l, N j, Y"
