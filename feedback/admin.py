"""Nothing of product feedback is registered in the staff admin, as before it had an app of
its own: items, labels and integrations are the brand team's, worked on its pages
(feedback/views/), where every rule in feedback.permissions holds."""
