"""Views of the building area, one module per area. Every view is a @network_view (404
for outsiders) and looks objects up only inside that network."""
