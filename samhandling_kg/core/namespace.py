"""Closed namespaces: a misspelt ``SAM.term`` fails at import time, not in a query."""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

ONTOLOGY_IRI = URIRef("https://w3id.org/samhandling")
SAMSRC = Namespace("https://w3id.org/samhandling/source/")


class SAM(DefinedNamespace):
    """Terms of ``https://w3id.org/samhandling#``; the ontology test holds this list to the file."""

    _NS = Namespace("https://w3id.org/samhandling#")
    _fail = True

    # Classes
    InteractionForm: URIRef
    OrganisationalForm: URIRef
    TechnicalForm: URIRef
    Need: URIRef
    Solution: URIRef
    SupportLink: URIRef
    EvidenceStatus: URIRef
    EIFLayer: URIRef
    LegalFramework: URIRef
    Standard: URIRef
    Characteristic: URIRef
    CharacteristicLink: URIRef
    NeedCharacteristicLink: URIRef
    CommonService: URIRef

    # Properties
    supportedBy: URIRef
    supports: URIRef
    qualifiedSupport: URIRef
    supportingForm: URIRef
    evidenceStatus: URIRef
    evidence: URIRef
    realises: URIRef
    uses: URIRef
    addresses: URIRef
    constrainedBy: URIRef
    eifLayer: URIRef
    standardisedBy: URIRef
    # Decision characteristics (samhandling recommend)
    favours: URIRef
    rulesOut: URIRef
    requiredFor: URIRef
    qualifiedFavours: URIRef
    qualifiedRulesOut: URIRef
    qualifiedRequiredFor: URIRef
    linkedForm: URIRef
    hasCharacteristic: URIRef
    qualifiedCharacteristic: URIRef
    characteristic: URIRef
    excludes: URIRef
    # Grading (docs/model.md, "Evidence: one grading rule")
    sourcePassage: URIRef
    referredToBySource: URIRef
    reliesOn: URIRef
    projectExample: URIRef

    # Organisational forms
    SendAndReceive: URIRef
    LookUpAndMakeAvailable: URIRef
    ChangeAndShare: URIRef
    # Technical forms
    MessageExchange: URIRef
    DocumentSharing: URIRef
    DataSharing: URIRef
    SharedSolution: URIRef
    PortalAccess: URIRef

    # Concept schemes
    OrganisationalFormScheme: URIRef
    TechnicalFormScheme: URIRef
    NeedScheme: URIRef
    EIFLayerScheme: URIRef
    CharacteristicScheme: URIRef

    # Evidence statuses
    Stated: URIRef
    Derived: URIRef

    # EIF layers
    LegalLayer: URIRef
    OrganisationalLayer: URIRef
    SemanticLayer: URIRef
    TechnicalLayer: URIRef

    # Decision characteristics
    ReceiverKnown: URIRef
    ReaderUnknown: URIRef
    EarlierHistoryNeeded: URIRef
    SharedSourceUpdated: URIRef
    RealTimeStructuredData: URIRef
    OneSharedSystem: URIRef
    ApprovedDocumentNeeded: URIRef
    OutsideOwnSystems: URIRef
    LegalBasisForSharing: URIRef
    HeldByOtherOrganisations: URIRef


class SAMSH(DefinedNamespace):
    """Terms of ``https://w3id.org/samhandling/shapes#``: the profile's shapes (``shapes/*.ttl``)
    and the two names of the check that runs before any engine. tests/validation/test_shapes.py holds
    this list to the shape files, so a misspelt ``SAMSH.term`` fails and the list cannot drift."""

    _NS = Namespace("https://w3id.org/samhandling/shapes#")
    _fail = True

    # Node shapes
    DeclaredConceptShape: URIRef
    DeclaredNeedShape: URIRef
    KnownTermShape: URIRef
    SolutionConsistencyShape: URIRef
    SolutionCoreShape: URIRef
    SolutionOptionalShape: URIRef
    SolutionRecommendedShape: URIRef
    SolutionTypeShape: URIRef
    SolutionVocabularyShape: URIRef
    SupportedByShape: URIRef

    # Property and SPARQL constraints (one a check, each with its messages)
    AccessControlDeclared: URIRef
    AddressedNeedMet: URIRef
    ContactPointReachable: URIRef
    ContactPointEmailIRI: URIRef
    DeclaredConceptDefinition: URIRef
    DeclaredConceptIsConcept: URIRef
    DeclaredConceptLabel: URIRef
    DeclaredNeedSupportedBy: URIRef
    KnownTerm: URIRef
    RealisedFormSupported: URIRef
    SolutionAddresses: URIRef
    SolutionAddressesNeed: URIRef
    SolutionConformsTo: URIRef
    SolutionConformsToIRI: URIRef
    SolutionContactPoint: URIRef
    SolutionDescription: URIRef
    SolutionDescriptionEn: URIRef
    SolutionDescriptionLanguage: URIRef
    SolutionDescriptionNn: URIRef
    SolutionEndpointDescription: URIRef
    SolutionEndpointURL: URIRef
    SolutionIdentifier: URIRef
    SolutionLandingPage: URIRef
    SolutionLandingPageIRI: URIRef
    SolutionLegalBasis: URIRef
    SolutionLegalBasisIRI: URIRef
    SolutionPublisher: URIRef
    SolutionPublisherCheckDigit: URIRef
    SolutionPublisherOrganisationNumber: URIRef
    SolutionRealises: URIRef
    SolutionRealisesOrganisationalForm: URIRef
    SolutionTitle: URIRef
    SolutionTitleEn: URIRef
    SolutionTitleLanguage: URIRef
    SolutionTitleNn: URIRef
    SolutionTitleOnePerLanguage: URIRef
    SolutionType: URIRef
    SolutionUses: URIRef
    SolutionUsesTechnicalForm: URIRef
    StandardFitsTechnicalForm: URIRef
    SupportedByDirection: URIRef
    UsedFormSupportsRealised: URIRef

    # The ontology is not the data's to change (checked before any engine runs)
    OntologyUnchanged: URIRef
    OntologyUnchangedComponent: URIRef
