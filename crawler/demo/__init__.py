"""The demo web: realistic local government portals with known ground truth (build + serve)."""
