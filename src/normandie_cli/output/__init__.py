"""The output tier: results turned into text for machines (one module per format) or into
Rich renderables for people (render.py). Nothing here prints; the command line does."""
