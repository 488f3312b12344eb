"""The transactional outbox: every side effect (notification, e-mail, alert, webhook) is a
row written in the transaction of the change it reports, delivered after commit."""
