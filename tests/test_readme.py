"""The README must stay true: every setting is documented, the two commands exist."""

from pathlib import Path

from pydantic import BaseModel

from api.settings import Settings

ROOT = Path(__file__).parent.parent


def env_names(model: type[BaseModel], prefix: str = "INTERVOX_") -> list[str]:
    names = []
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            names += env_names(annotation, f"{prefix}{name.upper()}__")
        else:
            names.append(f"{prefix}{name.upper()}")
    return names


def test_every_setting_is_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    missing = [n for n in env_names(Settings) if f"`{n}`" not in readme]
    assert not missing, f"README does not document {missing}"
    assert len(env_names(Settings)) > 20


def test_readme_commands_and_ci_agree():
    readme = (ROOT / "README.md").read_text()
    assert "./bootstrap serve" in readme and "./bootstrap test" in readme
    assert "./bootstrap test" in (ROOT / ".ci" / "run").read_text()
