"""No models. The module exists so that `migrate` signals this app (see `apps.ApiConfig`)."""
