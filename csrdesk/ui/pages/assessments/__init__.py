"""The Assessments page, by task: the list (page), the editor, its header and its findings."""
from csrdesk.ui.pages.assessments.editor import AssessmentEditor
from csrdesk.ui.pages.assessments.page import LIST_COLUMNS, AssessmentsPage

__all__ = ["AssessmentEditor", "AssessmentsPage", "LIST_COLUMNS"]
