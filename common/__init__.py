"""The kernel every app may use: caches, rate limits, references, workflow rules, bulk loading.

It holds no models and imports no app of the portal.
"""
