"""A hotel's backend offering charging in the hotel's own garage to its guests (closed loop).

At check-in the guest's room becomes an app token, and the room's folio its payment method: charging
ends up on the hotel bill. The app then shows the hotel's chargers and their price, and starts and stops
a session for the guest, ending with its price on the room bill.

Against a demo server (``scripts/serve --demo`` in the project):

    python sdk/examples/hotel_closed_loop.py --base-url http://127.0.0.1:8000 --api-key demo-partner-key

The hotel's garage (``nl-gfx-hotel-amstel``) is seen only through the partners it lists: the hotel group
(``demo-hotel-key``) and the demo partner (``demo-partner-key``).
"""

from __future__ import annotations

import argparse
import os
import sys

from chargeassist_sdk import ChargeAssist, WaitTimeoutError
from chargeassist_sdk.models import EvseView, LocationView, SessionResponse

HOTEL_LOCATION = "nl-gfx-hotel-amstel"
PER = {"ENERGY": "kWh", "TIME": "hour charging", "PARKING_TIME": "hour parked", "FLAT": "session"}


def check_in(client: ChargeAssist, room: str) -> tuple[str, str]:
    """Register the room as an app token, with its folio as the payment method; (app token, method id)."""
    app_token = f"{HOTEL_LOCATION}-room-{room}"
    client.tokens.register(app_token)
    folio = client.wallet.add_external(app_token, f"folio-room-{room}", display_name=f"Room {room} bill")
    print(f"checked in: room {room} is app token {app_token}, paying with {folio.display_name} ({folio.id})")
    return app_token, folio.id


def find_chargers(client: ChargeAssist, location_id: str) -> tuple[LocationView, EvseView]:
    """The hotel's garage and a free charger in it (the first charger when none is free)."""
    garage = client.locations.get(location_id)
    print(f"{garage.name}, {garage.address}, {garage.city}: {garage.con_avail} of {garage.con_tot} connectors free")
    for evse in garage.evses:
        power = ", ".join(f"{connector.standard} {connector.kw:g} kW" for connector in evse.connectors)
        print(f"  charger {evse.uid}: {evse.status} ({power})")
    free = next((evse for evse in garage.evses if evse.status == "AVAILABLE"), garage.evses[0])
    return garage, free


def show_price(client: ChargeAssist, app_token: str, garage: LocationView, evse: EvseView) -> None:
    """What the guest pays at that charger, as the app would show it."""
    for offer in client.tariffs.for_evse(app_token, garage.id, evse.uid):
        tariff = offer.tariff
        if tariff is None:
            print(f"price at {evse.uid}: {offer.validity}")
            continue
        prices = [
            f"{component.price_incl_vat} {tariff.currency} per {PER.get(component.type_, component.type_)} (incl. VAT)"
            for element in tariff.elements
            for component in element.price_components
        ]
        print(f"price at {evse.uid} with {offer.payment_method.display_name}: {'; '.join(prices)}")
        if tariff.tariff_alt_text:
            print(f"  {tariff.tariff_alt_text}")


def charge(client: ChargeAssist, app_token: str, payment_method_id: str, garage: LocationView, evse: EvseView) -> int:
    """Start a session, wait until it charges, stop it and wait for the receipt."""
    started = client.sessions.start(
        app_token, location_id=garage.id, evse_uid=evse.uid, payment_method_id=payment_method_id
    )
    print(f"session {started.charge_session_id} {started.status}")
    try:
        session = client.sessions.wait(app_token, started.charge_session_id, until="CHARGING", timeout=120)
        report(session)
        if session.status != "CHARGING":
            return 1
        client.sessions.stop(app_token, started.charge_session_id)
        session = client.sessions.wait(app_token, started.charge_session_id, until="CDR_AVAILABLE", timeout=120)
    except WaitTimeoutError as exc:
        print(f"gave up waiting: the session is still {exc.session.status}")
        return 1
    report(session)
    return 0 if session.status == "CDR_AVAILABLE" else 1


def report(session: SessionResponse) -> None:
    line = f"session {session.charge_session_id}: {session.status}, {session.energy_in_kwh} kWh"
    if session.total_costs is not None:
        line += f", {session.total_costs} {session.currency} to the room bill"
    print(line)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url", default=os.environ.get("CHARGEASSIST_BASE_URL", "http://127.0.0.1:8000"))
    parser.add_argument("--api-key", default=os.environ.get("CHARGEASSIST_API_KEY", "demo-partner-key"))
    parser.add_argument("--room", default="101")
    parser.add_argument("--location", default=HOTEL_LOCATION)
    args = parser.parse_args(argv)
    with ChargeAssist(api_key=args.api_key, base_url=args.base_url) as client:
        app_token, payment_method_id = check_in(client, args.room)
        garage, evse = find_chargers(client, args.location)
        show_price(client, app_token, garage, evse)
        return charge(client, app_token, payment_method_id, garage, evse)


if __name__ == "__main__":
    sys.exit(main())
