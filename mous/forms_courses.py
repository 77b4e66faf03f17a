"""The form that links one of the parties' shared courses to an MoU."""

from django import forms
from django.utils.translation import gettext_lazy as _

from institutions.models import SharedCourse

from .services_courses import mou_course_choices


class MouCourseLinkForm(forms.Form):
    """Choose one of the parties' courses not linked yet; any other posted id is an invalid choice."""

    course = forms.ModelChoiceField(label=_("Course"), queryset=SharedCourse.objects.none())

    def __init__(self, *args, mou, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = mou_course_choices(mou=mou, user=user)
        self.fields["course"].label_from_instance = lambda course: f"{course.label} · {course.institution.name}"
