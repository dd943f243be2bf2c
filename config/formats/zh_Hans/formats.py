"""Django's zh_Hans formats, with money grouped the way procurement notices and budgets write it: 1,280,000.00 元
(Django groups nothing in Chinese). Only where a template asks for grouping (floatformat's g)."""

from django.conf.locale.zh_Hans.formats import *  # noqa: F403 - every other format stays Django's

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
