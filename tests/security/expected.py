"""Who may open what: the expected answer of every URL to every role (GET).

One row per URL pattern (its name, or its route when it has none); one column per role, in
the order of ``tests.security.matrix.ROLES``. The URLs with a parameter are asked for records
of the researcher (consultation DCR-..., biobank requests), the patient (an inquiry), study X
of centre A (its team is "study_team"), and centre A; "other_researcher" and "staff_b" are the
people who must not see them.

Codes: 200, 403, 404, 405 (POST-only), 301/302 (a plain redirect); ``open`` = a readiness
probe answered (200 or 503, whatever the services' state); ``login`` = sent to the
portal's sign-in; ``admin-login`` = sent to the staff desk's sign-in; ``admin-index`` = sent
back to the admin index (the admin's "does not exist" answer for a record the person may not
see, and its answer to a signed-in person opening the admin sign-in page).

A new view fails tests/security/test_access_matrix.py until it has a row here.
"""

from tests.security.expected_biobank import BIOBANK_ADMIN_ROWS
from tests.security.expected_teams import PROJECT_ROWS, TEAM_MEMBER as _TEAM_MEMBER

_ROLES = "anonymous patient researcher other_researcher collaborator staff_a staff_b study_team biobank superuser"

_TABLE = {
    #                                                             anonymous   patient     researcher  other_res.  collab.     staff_a     staff_b     study_team  biobank     superuser

    'favicon.ico':                                               "301         301         301         301         301         301         301         301         301         301",
    'healthz':                                                   "200         200         200         200         200         200         200         200         200         200",
    'readyz':                                                    "open        open        open        open        open        open        open        open        open        open",
    'home':                                                      "200         200         200         200         200         200         200         200         200         200",
    'for_patients':                                              "200         200         200         200         200         200         200         200         200         200",
    'for_researchers':                                           "200         200         200         200         200         200         200         200         200         200",

    'accounts:signup':                                           "200         302         302         302         302         302         302         302         302         302",
    'accounts:signup_sent':                                      "200         200         200         200         200         200         200         200         200         200",
    'accounts:confirm_signup':                                   "400         400         400         400         400         400         400         400         400         400",
    'accounts:login':                                            "200         302         302         302         302         admin-index admin-index 302         admin-index admin-index",
    'accounts:logout':                                           "405         405         405         405         405         405         405         405         405         405",
    'accounts:sso_start':                                        "404         404         404         404         404         404         404         404         404         404",
    'accounts:sso_callback':                                     "404         404         404         404         404         404         404         404         404         404",
    'accounts:my_account':                                       "login       200         200         200         200         200         200         200         200         200",
    'accounts:password_change':                                  "login       200         200         200         200         200         200         200         200         200",
    'accounts:password_reset':                                   "200         200         200         200         200         200         200         200         200         200",
    'accounts:password_reset_done':                              "200         200         200         200         200         200         200         200         200         200",
    'accounts:password_reset_confirm':                           "200         200         200         200         200         200         200         200         200         200",
    'accounts:password_reset_complete':                          "200         200         200         200         200         200         200         200         200         200",
    'accounts:two_step':                                         "login       404         404         404         404         200         200         200         200         200",
    'accounts:recovery_codes':                                   "login       302         302         302         302         302         302         302         302         302",
    'accounts:two_step_verify':                                  "login       302         302         302         302         302         302         302         302         302",

    'centers:directory':                                         "200         200         200         200         200         200         200         200         200         200",
    'centers:service_list':                                      "200         200         200         200         200         200         200         200         200         200",
    'centers:service_detail':                                    "200         200         200         200         200         200         200         200         200         200",
    'centers:center_detail':                                     "200         200         200         200         200         200         200         200         200         200",

    'consultations:index':                                       "login       403         302         302         403         403         403         403         403         302",
    'consultations:new':                                         "login       403         200         200         403         403         403         403         403         200",
    'consultations:mine':                                        "login       403         200         200         403         403         403         403         403         200",
    'consultations:attachment':                                  "login       404         200         404         404         200         404         404         404         200",
    'consultations:detail':                                      "login       403         200         404         403         403         403         403         403         404",
    'consultations:survey':                                      "login       403         200         404         403         403         403         403         403         404",
    'consultations:delete_draft':                                "login       403         405         405         403         403         403         403         403         405",
    'consultations:withdraw':                                    "login       403         200         404         403         403         403         403         403         404",

    'studies:finder':                                            "200         200         200         200         200         200         200         200         200         200",
    'studies:feed':                                              "200         200         200         200         200         200         200         200         200         200",
    'studies:detail':                                            "200         200         200         200         200         200         200         200         200         200",
    'studies:print':                                             "200         200         200         200         200         200         200         200         200         200",
    'studies:thanks':                                            "302         302         302         302         302         302         302         302         302         302",
    'studies:my_inquiries':                                      "login       200         200         200         200         200         200         200         200         200",
    'studies:saved':                                             "login       200         200         200         200         200         200         200         200         200",
    'studies:withdraw_inquiry':                                  "login       405         405         405         405         405         405         405         405         405",
    'studies:save':                                              "login       405         405         405         405         405         405         405         405         405",
    'studies:my_alerts':                                         "login       200         200         200         200         200         200         200         200         200",
    'studies:alert_new':                                         "200         200         200         200         200         200         200         200         200         200",
    'studies:alert_sent':                                        "200         200         200         200         200         200         200         200         200         200",
    'studies:alert_confirm':                                     "400         400         400         400         400         400         400         400         400         400",
    'studies:alert_unsubscribe':                                 "400         400         400         400         400         400         400         400         400         400",
    'studies:alert_saved_studies':                               "login       405         405         405         405         405         405         405         405         405",
    'studies:alert_edit':                                        "login       405         405         405         405         405         405         405         405         405",
    'studies:alert_delete':                                      "login       405         405         405         405         405         405         405         405         405",
    'studies:team_index':                                        "login       403         403         403         403         403         403         200         403         200",
    'studies:team_study':                                        "login       403         403         403         403         403         403         200         403         200",
    'studies:team_inquiry':                                      "login       403         403         403         403         403         403         200         403         200",
    'studies:team_move':                                         "login       405         405         405         405         405         405         405         405         405",
    'studies:bed_day':                                           "login       403         403         403         403         200         200         200         403         200",
    'studies:bed_week':                                          "login       403         403         403         403         200         200         200         403         200",
    'studies:bed_book':                                          "login       403         403         403         403         200         200         200         403         200",
    'studies:bed_cancel':                                        "login       405         405         405         405         405         405         405         405         405",

    'biobank:index':                                             "302         302         302         302         302         302         302         302         302         302",
    'biobank:cohort':                                            "login       403         302         302         403         403         403         403         403         302",
    'biobank:my_requests':                                       "login       403         200         200         403         403         403         403         403         200",
    'biobank:new_sample_request':                                "login       403         200         200         403         403         403         403         403         200",
    'biobank:new_recontact_request':                             "login       403         200         200         403         403         403         403         403         200",
    'biobank:sample_request_detail':                             "login       403         200         404         403         403         403         403         403         404",
    'biobank:withdraw_sample_request':                           "login       403         200         404         403         403         403         403         403         404",
    'biobank:recontact_request_detail':                          "login       403         200         404         403         403         403         403         403         404",
    'biobank:withdraw_recontact_request':                        "login       403         200         404         403         403         403         403         403         404",
    'biobank:order_detail':                                      "login       403         200         404         403         403         403         403         403         404",
    'biobank:confirm_receipt':                                   "login       403         405         405         403         403         403         403         403         405",

    'cohorts:builder':                                           "login       403         200         200         403         403         403         403         403         200",
    'cohorts:concept_search':                                    "login       403         200         200         403         403         403         403         403         200",
    'cohorts:save':                                              "login       403         405         405         403         403         403         403         403         405",
    'cohorts:saved':                                             "login       403         200         200         403         403         403         403         403         200",
    'cohorts:open':                                              "login       403         302         404         403         403         403         403         403         404",
    'cohorts:delete':                                            "login       403         405         405         403         403         403         403         403         405",
    'cohorts:request_samples':                                   "login       403         200         404         403         403         403         403         403         404",
    'cohorts:request_recontact':                                 "login       403         200         404         403         403         403         403         403         404",
    'cohorts:access':                                            "login       403         200         200         403         403         403         403         403         200",
    'cohorts:verify_email':                                      "400         400         400         400         400         400         400         400         400         400",

    'collaborations:index':                                      "200         200         200         200         200         200         200         200         200         200",
    'collaborations:thanks':                                     "200         200         200         200         200         200         200         200         200         200",
    'collaborations:mine':                                       "login       200         200         200         200         200         200         200         200         200",

    'dashboards:dashboard':                                      "login       403         403         403         403         200         200         200         200         200",
    'dashboards:table_csv':                                      "login       403         403         403         403         200         200         200         200         200",

    'fhir:researchstudy_search':                                 "200         200         200         200         200         200         200         200         200         200",
    'fhir:researchstudy':                                        "200         200         200         200         200         200         200         200         200         200",
    'fhir:metadata':                                             "200         200         200         200         200         200         200         200         200         200",

    'set_language':                                              "302         302         302         302         302         302         302         302         302         302",

    'admin:index':                                               "admin-login admin-login admin-login admin-login admin-login 200         200         200         200         200",

    'admin:login':                                               "200         200         200         200         200         admin-index admin-index admin-index admin-index admin-index",

    'admin:logout':                                              "admin-index admin-index admin-index admin-index admin-index 405         405         405         405         405",

    'admin:password_change':                                     "admin-login admin-login admin-login admin-login admin-login 200         200         200         200         200",
    'admin:password_change_done':                                "admin-login admin-login admin-login admin-login admin-login 200         200         200         200         200",

    'admin:autocomplete':                                        "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         403",

    'admin:jsi18n':                                              "admin-login admin-login admin-login admin-login admin-login 200         200         200         200         200",

    'admin:view_on_site':                                        "admin-login admin-login admin-login admin-login admin-login 302         302         302         302         302",

    'admin:auth_group_changelist':                               "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         200",
    'admin:auth_group_add':                                      "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         200",
    'admin:auth_group_history':                                  "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         200",
    'admin:auth_group_delete':                                   "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         200",
    'admin:auth_group_change':                                   "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         200",

    'admin/auth/group/<path:object_id>/':                        "admin-login admin-login admin-login admin-login admin-login 302         302         302         302         302",

    'admin:axes_accessattempt_changelist':                       "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         200",
    'admin:axes_accessattempt_add':                              "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         403",
    'admin:axes_accessattempt_history':                          "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         200",
    'admin:axes_accessattempt_delete':                           "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         200",
    'admin:axes_accessattempt_change':                           "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         200",

    'admin/axes/accessattempt/<path:object_id>/':                "admin-login admin-login admin-login admin-login admin-login 302         302         302         302         302",

    'admin:axes_accesslog_changelist':                           "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         200",
    'admin:axes_accesslog_add':                                  "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         403",
    'admin:axes_accesslog_history':                              "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         200",
    'admin:axes_accesslog_delete':                               "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         200",
    'admin:axes_accesslog_change':                               "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         200",

    'admin/axes/accesslog/<path:object_id>/':                    "admin-login admin-login admin-login admin-login admin-login 302         302         302         302         302",

    'admin:axes_accessfailurelog_changelist':                    "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         200",
    'admin:axes_accessfailurelog_add':                           "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         403",
    'admin:axes_accessfailurelog_history':                       "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         200",
    'admin:axes_accessfailurelog_delete':                        "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         200",
    'admin:axes_accessfailurelog_change':                        "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         200",

    'admin/axes/accessfailurelog/<path:object_id>/':             "admin-login admin-login admin-login admin-login admin-login 302         302         302         302         302",

    'admin:accounts_user_simple_history':                        "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         200",

    'admin:auth_user_password_change':                           "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         200",

    'admin:accounts_user_changelist':                            "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         200",
    'admin:accounts_user_add':                                   "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         200",
    'admin:accounts_user_history':                               "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         200",
    'admin:accounts_user_delete':                                "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         200",
    'admin:accounts_user_change':                                "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         200",

    'admin/accounts/user/<path:object_id>/':                     "admin-login admin-login admin-login admin-login admin-login 302         302         302         302         302",

    'admin:accounts_audit_trail':                                "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         200",
    'admin:accounts_protectedaccess_changelist':                 "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         200",
    'admin:accounts_protectedaccess_add':                        "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         403",
    'admin:accounts_protectedaccess_history':                    "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         200",
    'admin:accounts_protectedaccess_delete':                     "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         403",
    'admin:accounts_protectedaccess_change':                     "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         200",

    'admin/accounts/protectedaccess/<path:object_id>/':          "admin-login admin-login admin-login admin-login admin-login 302         302         302         302         302",

    'admin:centers_center_changelist':                           "admin-login admin-login admin-login admin-login admin-login 200         200         403         403         200",
    'admin:centers_center_add':                                  "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         200",
    'admin:centers_center_history':                              "admin-login admin-login admin-login admin-login admin-login 200         200         403         403         200",
    'admin:centers_center_delete':                               "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         200",
    'admin:centers_center_change':                               "admin-login admin-login admin-login admin-login admin-login 200         200         403         403         200",

    'admin/centers/center/<path:object_id>/':                    "admin-login admin-login admin-login admin-login admin-login 302         302         302         302         302",

    'admin:centers_service_changelist':                          "admin-login admin-login admin-login admin-login admin-login 200         200         403         403         200",
    'admin:centers_service_add':                                 "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         200",
    'admin:centers_service_history':                             "admin-login admin-login admin-login admin-login admin-login 200         200         403         403         200",
    'admin:centers_service_delete':                              "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         200",
    'admin:centers_service_change':                              "admin-login admin-login admin-login admin-login admin-login 200         200         403         403         200",

    'admin/centers/service/<path:object_id>/':                   "admin-login admin-login admin-login admin-login admin-login 302         302         302         302         302",

    'admin:centers_staffmembership_changelist':                  "admin-login admin-login admin-login admin-login admin-login 200         200         403         403         200",
    'admin:centers_staffmembership_add':                         "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         200",
    'admin:centers_staffmembership_history':                     "admin-login admin-login admin-login admin-login admin-login 200         200         403         403         200",
    'admin:centers_staffmembership_delete':                      "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         200",
    'admin:centers_staffmembership_change':                      "admin-login admin-login admin-login admin-login admin-login 200         200         403         403         200",

    'admin/centers/staffmembership/<path:object_id>/':           "admin-login admin-login admin-login admin-login admin-login 302         302         302         302         302",

    'admin:notifications_outboxemail_changelist':                "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         200",
    'admin:notifications_outboxemail_add':                       "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         403",
    'admin:notifications_outboxemail_history':                   "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         200",
    'admin:notifications_outboxemail_delete':                    "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         403",
    'admin:notifications_outboxemail_change':                    "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         200",

    'admin/notifications/outboxemail/<path:object_id>/':         "admin-login admin-login admin-login admin-login admin-login 302         302         302         302         302",

    'admin:consultations_consultationrequest_export':            "admin-login admin-login admin-login admin-login admin-login 200         200         403         403         200",
    'admin:consultations_consultationrequest_status':            "admin-login admin-login admin-login admin-login admin-login 200         admin-index admin-index admin-index 200",
    'admin:consultations_consultationrequest_assign':            "admin-login admin-login admin-login admin-login admin-login 200         admin-index admin-index admin-index 200",
    'admin:consultations_consultationrequest_line':              "admin-login admin-login admin-login admin-login admin-login 200         admin-index admin-index admin-index 200",
    'admin:consultations_consultationrequest_simple_history':    "admin-login admin-login admin-login admin-login admin-login 200         404         404         404         200",
    'admin:consultations_consultationrequest_changelist':        "admin-login admin-login admin-login admin-login admin-login 200         200         403         403         200",
    'admin:consultations_consultationrequest_add':               "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         403",
    'admin:consultations_consultationrequest_history':           "admin-login admin-login admin-login admin-login admin-login 200         404         404         404         200",
    'admin:consultations_consultationrequest_delete':            "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         200",
    'admin:consultations_consultationrequest_change':            "admin-login admin-login admin-login admin-login admin-login 200         admin-index 403         403         200",

    'admin/consultations/consultationrequest/<path:object_id>/': "admin-login admin-login admin-login admin-login admin-login 302         302         302         302         302",

    'admin:consultations_attachment_changelist':                 "admin-login admin-login admin-login admin-login admin-login 200         200         403         403         200",
    'admin:consultations_attachment_add':                        "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         403",
    'admin:consultations_attachment_history':                    "admin-login admin-login admin-login admin-login admin-login 200         admin-index admin-index admin-index 200",
    'admin:consultations_attachment_delete':                     "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         200",
    'admin:consultations_attachment_change':                     "admin-login admin-login admin-login admin-login admin-login 200         admin-index 403         403         200",

    'admin/consultations/attachment/<path:object_id>/':          "admin-login admin-login admin-login admin-login admin-login 302         302         302         302         302",

    'admin:studies_condition_changelist':                        "admin-login admin-login admin-login admin-login admin-login 200         200         200         403         200",
    'admin:studies_condition_add':                               "admin-login admin-login admin-login admin-login admin-login 200         200         403         403         200",
    'admin:studies_condition_history':                           "admin-login admin-login admin-login admin-login admin-login 200         200         200         403         200",
    'admin:studies_condition_delete':                            "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         200",
    'admin:studies_condition_change':                            "admin-login admin-login admin-login admin-login admin-login 200         200         200         403         200",

    'admin/studies/condition/<path:object_id>/':                 "admin-login admin-login admin-login admin-login admin-login 302         302         302         302         302",

    'admin:studies_study_simple_history':                        "admin-login admin-login admin-login admin-login admin-login 200         200         200         404         200",
    'admin:studies_study_changelist':                            "admin-login admin-login admin-login admin-login admin-login 200         200         200         403         200",
    'admin:studies_study_add':                                   "admin-login admin-login admin-login admin-login admin-login 200         200         403         403         200",
    'admin:studies_study_history':                               "admin-login admin-login admin-login admin-login admin-login 200         200         200         404         200",
    'admin:studies_study_delete':                                "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         200",
    'admin:studies_study_change':                                "admin-login admin-login admin-login admin-login admin-login 200         200         200         403         200",

    'admin/studies/study/<path:object_id>/':                     "admin-login admin-login admin-login admin-login admin-login 302         302         302         302         302",

    'admin:studies_interest_simple_history':                     "admin-login admin-login admin-login admin-login admin-login 404         404         200         404         200",
    'admin:studies_interest_changelist':                         "admin-login admin-login admin-login admin-login admin-login 403         403         200         403         200",
    'admin:studies_interest_add':                                "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         403",
    'admin:studies_interest_history':                            "admin-login admin-login admin-login admin-login admin-login 404         404         200         404         200",
    'admin:studies_interest_delete':                             "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         200",
    'admin:studies_interest_change':                             "admin-login admin-login admin-login admin-login admin-login 403         403         200         403         200",

    'admin/studies/interest/<path:object_id>/':                  "admin-login admin-login admin-login admin-login admin-login 302         302         302         302         302",

    'admin:studies_bed_changelist':                              "admin-login admin-login admin-login admin-login admin-login 200         200         200         403         200",
    'admin:studies_bed_add':                                     "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         200",
    'admin:studies_bed_history':                                 "admin-login admin-login admin-login admin-login admin-login 200         200         200         403         200",
    'admin:studies_bed_delete':                                  "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         200",
    'admin:studies_bed_change':                                  "admin-login admin-login admin-login admin-login admin-login 200         200         200         403         200",

    'admin/studies/bed/<path:object_id>/':                       "admin-login admin-login admin-login admin-login admin-login 302         302         302         302         302",

    'admin:studies_bedbooking_simple_history':                   "admin-login admin-login admin-login admin-login admin-login 200         200         200         404         200",
    'admin:studies_bedbooking_changelist':                       "admin-login admin-login admin-login admin-login admin-login 200         200         200         403         200",
    'admin:studies_bedbooking_add':                              "admin-login admin-login admin-login admin-login admin-login 200         200         200         403         200",
    'admin:studies_bedbooking_history':                          "admin-login admin-login admin-login admin-login admin-login 200         200         200         404         200",
    'admin:studies_bedbooking_delete':                           "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         200",
    'admin:studies_bedbooking_change':                           "admin-login admin-login admin-login admin-login admin-login 200         200         200         403         200",

    'admin/studies/bedbooking/<path:object_id>/':                "admin-login admin-login admin-login admin-login admin-login 302         302         302         302         302",


    'admin:collaborations_inquiry_changelist':                   "admin-login admin-login admin-login admin-login admin-login 200         200         403         403         200",
    'admin:collaborations_inquiry_add':                          "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         403",
    'admin:collaborations_inquiry_history':                      "admin-login admin-login admin-login admin-login admin-login 200         200         403         403         200",
    'admin:collaborations_inquiry_delete':                       "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         200",
    'admin:collaborations_inquiry_change':                       "admin-login admin-login admin-login admin-login admin-login 200         200         403         403         200",

    'admin/collaborations/inquiry/<path:object_id>/':            "admin-login admin-login admin-login admin-login admin-login 302         302         302         302         302",

    'admin:collaborations_affiliate_changelist':                 "admin-login admin-login admin-login admin-login admin-login 200         200         403         403         200",
    'admin:collaborations_affiliate_add':                        "admin-login admin-login admin-login admin-login admin-login 200         200         403         403         200",
    'admin:collaborations_affiliate_history':                    "admin-login admin-login admin-login admin-login admin-login 200         200         403         403         200",
    'admin:collaborations_affiliate_delete':                     "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         200",
    'admin:collaborations_affiliate_change':                     "admin-login admin-login admin-login admin-login admin-login 200         200         403         403         200",

    'admin/collaborations/affiliate/<path:object_id>/':          "admin-login admin-login admin-login admin-login admin-login 302         302         302         302         302",

    'admin:otp_totp_totpdevice_config':                          "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         200",
    'admin:otp_totp_totpdevice_qrcode':                          "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         200",
    'admin:otp_totp_totpdevice_changelist':                      "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         200",
    'admin:otp_static_staticdevice_changelist':                  "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         200",
    'admin:otp_totp_totpdevice_add':                             "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         200",
    'admin:otp_static_staticdevice_add':                         "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         200",
    'admin:otp_totp_totpdevice_history':                         "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         200",
    'admin:otp_static_staticdevice_history':                     "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         200",
    'admin:otp_totp_totpdevice_delete':                          "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         200",
    'admin:otp_static_staticdevice_delete':                      "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         200",
    'admin:otp_totp_totpdevice_change':                          "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         200",
    'admin:otp_static_staticdevice_change':                      "admin-login admin-login admin-login admin-login admin-login 403         403         403         403         200",
    'admin/otp_totp/totpdevice/<path:object_id>/':               "admin-login admin-login admin-login admin-login admin-login 302         302         302         302         302",
    'admin/otp_static/staticdevice/<path:object_id>/':           "admin-login admin-login admin-login admin-login admin-login 302         302         302         302         302",

    'admin:app_list':                                            "admin-login admin-login admin-login admin-login admin-login 200         200         200         404         200",

    'admin/(?P<url>.*)$':                                        "admin-login admin-login admin-login admin-login admin-login 404         404         404         404         404",
}

_TABLE.update(BIOBANK_ADMIN_ROWS)  # the biobank's staff desk: tests/security/expected_biobank.py
_TABLE.update(PROJECT_ROWS)  # projects and budgets follow the project's team: tests/security/expected_teams.py

EXPECTED: dict[str, dict[str, str]] = {
    key: dict(zip(_ROLES.split(), row.split(), strict=True)) for key, row in _TABLE.items()
}
for _key, _answers in EXPECTED.items():
    _answers["team_member"] = _TEAM_MEMBER.get(_key, _answers["other_researcher"])
