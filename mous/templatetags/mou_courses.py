"""The MoU page's "Shared courses" section: the courses linked to the MoU and the form to link one."""

from django.template import Library

from mous.forms_courses import MouCourseLinkForm

register = Library()


@register.inclusion_tag("mous/courses/_shared_courses.html", takes_context=True)
def mou_shared_courses(context, mou, form=None) -> dict:
    """The courses shared under ``mou`` that the viewer may open, and the link form for the parties' admins."""
    user = context["user"]
    links = list(
        mou.course_links.select_related("course__institution", "course__sector", "linked_by").order_by(
            "linked_at", "pk"
        )
    )
    can_link = user.has_perm("mous.link_course", mou)
    if can_link and form is None:
        form = MouCourseLinkForm(mou=mou, user=user)
    return {
        "mou": mou,
        "user": user,
        "links": [link for link in links if user.has_perm("institutions.open_course", link.course)],
        "can_link": can_link,
        "form": form if can_link and form.fields["course"].queryset.exists() else None,
        "csrf_token": context.get("csrf_token"),
    }
