"""
REST plumbing shared by every resource of the API.

Each resource is a model, a serializer, a FilterSet and a small viewset; what they have in
common lives here: `page`/`limit` pagination, `?sort=`, model permissions that also guard reads,
strict filter values, the `pk`-and-timestamps serializer base, the viewset base that hands
writes to a service, and the one exception handler that words every refusal.
"""
