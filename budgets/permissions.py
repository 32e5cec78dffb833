ROLE_PERMISSIONS = {
    "DCR staff": ["budgets.view_budget", "budgets.view_budgetversion"],
}
