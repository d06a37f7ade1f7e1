"""Area outlines: GeoJSON polygons checked and measured, the spatial index, proposed new outlines."""
