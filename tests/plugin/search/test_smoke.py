import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action


@pytest.mark.ckan_config("ckan.plugins", "pueblaabierto")
@pytest.mark.usefixtures("clean_db", "with_plugins")
def test_create_and_search():
    org = factories.Organization()
    ds = factories.Dataset(title="Población de Puebla", notes="Censo", owner_org=org["id"], tags=[{"name": "censo"}])
    result = call_action("package_search", q="poblacion")
    assert result["count"] == 1
    assert result["results"][0]["id"] == ds["id"]
    assert call_action("package_search", q="licitaciones")["count"] == 0
