"""Renderers: functions of results, never checking anything."""
