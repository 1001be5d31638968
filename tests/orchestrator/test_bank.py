from orchestrator.bank import load_bank, pick_questions, question_count, role_categories


def test_bank_covers_roles_levels_and_key_points():
    roles, bank = load_bank()
    ids = [q.id for q in bank]
    assert len(ids) == len(set(ids))
    for category in [*roles, "behavioural", "general"]:
        for level in ("junior", "middle", "senior"):
            if category in ("data", "mobile"):
                level = "middle"
            assert any(q.category == category and level in q.levels for q in bank), (category, level)
    assert all(len(q.key_points) >= 3 and q.followup for q in bank)


def test_role_text_maps_to_categories():
    assert role_categories("Senior Backend Engineer") == ["backend"]
    assert "frontend" in role_categories("React developer")
    assert role_categories("Product Designer") == []
    assert "backend" in role_categories("Go developer")
    assert "backend" not in role_categories("Google Ads manager")


def test_plan_length_follows_duration_and_opens_and_closes_well():
    plan = pick_questions("Backend Engineer", "senior", ["PostgreSQL"], 20, seed="a")
    assert len(plan) == question_count(20) == 5
    assert plan[0].id == "beh-intro"
    assert plan[-1].category == "behavioural"
    assert len({q.id for q in plan}) == len(plan)
    assert all("senior" in q.levels for q in plan)
    assert plan[1].category == "backend" and "postgresql" in plan[1].skills  # skills first


def test_plan_is_deterministic_per_seed_and_never_too_short():
    a = pick_questions("Frontend Developer", "junior", [], 30, seed="x")
    assert [q.id for q in a] == [
        q.id for q in pick_questions("Frontend Developer", "junior", [], 30, seed="x")
    ]
    assert len(pick_questions("Product Designer", "middle", [], 2, seed="y")) == 2
    assert len(pick_questions("Backend Engineer", "junior", [], 60, seed="z")) == 8
    # a role with few questions at a level gets a shorter plan, never a repeated question
    short = pick_questions("Data Engineer", "junior", [], 60, seed="z")
    assert 2 <= len(short) <= 8 and len({q.id for q in short}) == len(short)
