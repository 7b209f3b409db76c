"""Dashboards' figure tables and the PDF reports: context, charts, HTML, PDF.

Nothing here imports a topic app: figures and fragments come from the progress
sections of whatever apps are installed (network.progress.sections()).
"""
