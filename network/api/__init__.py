"""The read-only REST API for members' own systems, under /api/.

A personal access token (network.models.ApiToken, created on the profile page) acts with
exactly its person's roles: every network resource goes through network.access like every
page, so a network the person is not in answers 404. The core's resources (networks,
members, meetings, key figures) live here; the topic apps offer theirs through the
`api_resources` hook (network.plugins), and network/api/urls.py collects them under
/api/netzwerke/<slug>/<path>/.

Values are plain JSON: dates and times ISO 8601, decimal amounts as strings ("1234.50",
exact, never a binary float), choices as their stable key ("agreed"), references as ids
(`membership_id` is the id of /api/netzwerke/<slug>/mitglieder/).
"""
