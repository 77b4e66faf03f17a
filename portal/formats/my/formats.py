from portal.formats import DAY_FIRST, DAY_FIRST_FULL

globals().update(DAY_FIRST)
globals().update(DAY_FIRST_FULL)
