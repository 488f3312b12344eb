"""Product feedback's reads, rules, forms, tasks, URLs, reports and webhook plumbing.

Its models are in brands/models/feedback.py and brands/models/integrations.py, its writes in
brands/services/feedback.py and brands/services/integrations.py, its pages in
brands/views/feedback.py, brands/views/reports.py and brands/views/integrations.py (the
places every brands sub-domain uses); the rest of the sub-domain lives here.
"""
