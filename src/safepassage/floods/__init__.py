"""Flood detection and near-duplicate grouping.

The worker notes every newly opened case (``domain.note_new_case``): its arrival on a
channel, and keyed MinHash band digests of its first message.  Cases that share bands are
flagged as near-duplicates of each other; clusters of them and bursts of new cases on
one channel become ``FloodGroup``s that a supervisor confirms or dismisses.
"""
