from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """What every app shares; imports no other app of the portal."""

    name = "core"
    verbose_name = _("Core")

    def ready(self):
        from django.conf import settings
        from django.db.models.signals import m2m_changed, post_delete, post_save
        from PIL import Image

        from .pagecache import model_changed

        # Cached public pages follow every change to what they show (core.pagecache).
        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(model_changed, dispatch_uid=f"core.pagecache.{id(signal)}")

        # Pillow warns above this many pixels and refuses twice as many when it opens an image
        # (a decompression bomb): follow the portal's own limit instead of Pillow's 89 megapixels.
        Image.MAX_IMAGE_PIXELS = settings.UPLOAD_MAX_IMAGE_PIXELS
