# From the year down, as Chinese dates are written: 2025年5月12日 星期一.
WEEKDAY_DAY_MONTH_FORMAT = "n月j日 l"
WEEKDAY_DAY_MONTH_TIME_FORMAT = "n月j日 l H:i"
WEEKDAY_DAY_MONTH_YEAR_TIME_FORMAT = "Y年n月j日 l H:i"
WEEKDAY_DATE_FORMAT = "Y年n月j日 l"
DAY_MONTH_FORMAT = "n月j日"
DAY_MONTH_TIME_FORMAT = "n月j日 H:i"
DAY_MONTH_YEAR_FORMAT = "Y年n月j日"
DAY_MONTH_YEAR_TIME_FORMAT = "Y年n月j日 H:i"
