"""A file field whose files follow their rows' transactions: a file is written once the row
that names it is committed, and removed once the row's deletion is."""

import tempfile
from functools import partial

from django.conf import settings
from django.core.exceptions import FieldError
from django.core.files import File
from django.db import models, router, transaction
from django.db.models import signals


class TransactionalFileField(models.FileField):
    """A FileField that never leaves a file behind a transaction that did not commit.

    Django's FileField writes the file while the row is being saved, before the transaction
    commits: a validation or database error after that, or a rolled-back transaction, leaves
    the file in MEDIA_ROOT with no row to reach it. Here the row is saved with the file's
    final name and the file is written by `transaction.on_commit`: a transaction rolled back
    writes nothing. Until then its content waits in a temporary copy (in memory, or in the
    system's temporary folder when large, deleted with it), so the caller may close its own
    file before the commit. A file replaced or a row deleted has its old file removed after
    commit too, unless another row still names it.

    Whoever saves (the services, the admin, a script) gets this behaviour; the history models
    of django-simple-history keep the name only (they copy file fields as text).
    """

    def pre_save(self, model_instance, add):
        file = getattr(model_instance, self.attname)
        using = router.db_for_write(type(model_instance), instance=model_instance)
        if file and not file._committed:
            if file.name is None:
                raise FieldError(f"File for {self.name} must have a name to be saved.")
            previous = None if add else self._stored_name(model_instance, using)
            name = self.storage.get_available_name(
                self.generate_filename(model_instance, file.name), max_length=self.max_length
            )
            staged = tempfile.SpooledTemporaryFile(max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE)
            for chunk in file.file.chunks():
                staged.write(chunk)
            file.name = name
            file._committed = True  # the name is final; the content follows on commit
            transaction.on_commit(partial(self._write, model_instance, name, staged), using)
            if previous and previous != name:
                self._remove_after_commit(type(model_instance), previous, using)
        elif not file and not add and self.blank:  # a file cleared
            previous = self._stored_name(model_instance, using)
            if previous:
                self._remove_after_commit(type(model_instance), previous, using)
        return file

    def contribute_to_class(self, cls, name, **kwargs):
        super().contribute_to_class(cls, name, **kwargs)
        if not cls._meta.abstract:
            signals.post_delete.connect(self._row_deleted, sender=cls)

    def _stored_name(self, instance, using: str) -> str | None:
        return (
            type(instance)
            ._base_manager.using(using)
            .filter(pk=instance.pk)
            .values_list(self.attname, flat=True)
            .first()
        )

    def _write(self, instance, name: str, staged) -> None:
        with staged:
            staged.seek(0)
            written = self.storage.save(name, File(staged, name), max_length=self.max_length)
        if written != name:  # the name was taken between the save and the commit
            type(instance)._base_manager.filter(pk=instance.pk).update(**{self.attname: written})
            getattr(instance, self.attname).name = written

    def _remove_after_commit(self, model, name: str, using: str) -> None:
        def remove():
            if not model._base_manager.using(using).filter(**{self.attname: name}).exists():
                self.storage.delete(name)

        transaction.on_commit(remove, using)

    def _row_deleted(self, sender, instance, using, **kwargs):
        file = getattr(instance, self.attname)
        if file and file._committed:
            self._remove_after_commit(sender, file.name, using)
