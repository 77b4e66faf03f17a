from portal.formats import DAY_FIRST

globals().update(DAY_FIRST)
