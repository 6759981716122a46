"""Form rendering with Bootstrap markup, so `{{ form }}` looks right everywhere."""

from django.forms.renderers import TemplatesSetting


class BootstrapFormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
