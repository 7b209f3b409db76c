"""Views of the procurement area, one module per area. Every view is a @network_view
(404 for outsiders) and looks objects up through procurement.access, scoped by the
network or membership."""
