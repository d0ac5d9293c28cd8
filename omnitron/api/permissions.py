"""
Django model permissions, reads included.

DRF's `DjangoModelPermissions` lets any authenticated user read; payment configuration holds
the channel's gateways and accounts, so reading needs `view_<model>` too. An action that works
on another model than the viewset's (uploading a card's BINs) names it in
`@action(permission_model=...)`.
"""

from rest_framework.permissions import DjangoModelPermissions


class ModelPermissions(DjangoModelPermissions):
    perms_map = {
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "POST": ["%(app_label)s.add_%(model_name)s"],
        "PUT": ["%(app_label)s.change_%(model_name)s"],
        "PATCH": ["%(app_label)s.change_%(model_name)s"],
        "DELETE": ["%(app_label)s.delete_%(model_name)s"],
    }

    def has_permission(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return False
        model = getattr(view, "permission_model", None) or self._queryset(view).model
        return request.user.has_perms(self.get_required_permissions(request.method, model))
