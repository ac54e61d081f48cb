"""Scraping: plan the pages, fetch them, judge them, store what they say."""
