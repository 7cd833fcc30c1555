"""The group directory: model, importers, schedules, places, search and the service facade."""
