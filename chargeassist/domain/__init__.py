"""Pure domain logic of Charge Assist: OCPI objects and the rules that apply to them, without I/O."""

__all__: list[str] = []
