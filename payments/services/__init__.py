"""
The service layer of payment data: one class per model, owning the rules that involve other
rows or the database (see `omnitron.services.ModelService`). Views and the admin write through
these classes, never through `Model.save()` directly.
"""

from payments.services.banks import BankAccountService, BankService, CardTypeService
from payments.services.bin_numbers import BinNumberService
from payments.services.cards import CardService, InstallmentService, MultiCurrencyCardService
from payments.services.lookup import lookup_bin
from payments.services.payment_options import PaymentOptionService
from payments.services.pos import PosService

__all__ = [
    "BankAccountService",
    "BankService",
    "BinNumberService",
    "CardService",
    "CardTypeService",
    "InstallmentService",
    "MultiCurrencyCardService",
    "PaymentOptionService",
    "PosService",
    "lookup_bin",
]
