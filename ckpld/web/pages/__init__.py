"""What the HTML pages show, read from the data: the home page's facts, the map, the timeline, and
a resource page's sections."""
