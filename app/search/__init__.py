"""Candidate search's worker side: resume text extraction and the per-candidate search document.

Requests only say what changed (`app/search/queue.py`, after commit); the RQ
worker extracts and indexes (`app/search/jobs.py`); the periodic sweep
`search.sweep` (`app/search/tasks.py`) finds whatever a lost job missed.
"""
