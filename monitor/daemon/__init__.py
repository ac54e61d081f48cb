"""The daemon: APScheduler drives scrape, scan, alerts and the weekly report on schedule.

Layout: ``triggers`` and ``backoff`` are pure; ``runs`` records job runs; ``jobs`` holds the
top-level callables the job store pickles; ``locks`` keeps a second replica from running
jobs; ``service`` owns the process lifecycle; ``once`` runs the pipeline a single time.
"""
