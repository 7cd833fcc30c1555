"""Writers for formats other tools read, beside the importers' own ``export`` functions
(Kindred feed: importers/kindred.py; Meeting Guide: importers/meeting_guide.py), and the
checks of what they write against the formats' published schemas (schemas/)."""
