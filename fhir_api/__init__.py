"""PANDA's HL7 FHIR R4 (UK Core) read and search API, served under /fhir/R4/.

The app is not called ``fhir`` because that name belongs to the ``fhir.resources`` package (a
namespace package that its installer registers at start-up), which the tests use to validate
every resource this app emits.
"""
